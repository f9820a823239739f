"""The bundled sample reports in data/raw/, regenerated from the seed texts (``tools/make_samples.py``).

``seed_model`` reads a seed into paragraphs and the three tables as printed; ``seed_doc`` lays a
seed out as the layout generator's document model (``tools.layouts.grid``), which the generator's
renderers draw; ``pdf`` converts with LibreOffice and locates the tables in the PDF; ``verify``
checks every output against its seed; ``extras`` writes the bad inputs and text variants;
``manifest`` describes what was written.
"""
